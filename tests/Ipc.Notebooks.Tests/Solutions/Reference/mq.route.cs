void Serve(SysVMessageQueue queue, int requests)
{
    for (int i = 0; i < requests; i++)
    {
        // Requests only (type 1): replies for other clients share this queue and must stay in it.
        var request = queue.Receive(1, timeout: TimeSpan.FromSeconds(20));
        var parts = request.Text.Split(':', 2);
        queue.Send(long.Parse(parts[0]), parts[1].ToUpperInvariant());
    }
}
