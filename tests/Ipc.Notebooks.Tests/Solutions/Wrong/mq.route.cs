// Receives the next message of any type (type 0): with a reply for another client waiting in the queue, it takes
// that reply as if it were a request.
void Serve(SysVMessageQueue queue, int requests)
{
    for (int i = 0; i < requests; i++)
    {
        var request = queue.Receive(0, timeout: TimeSpan.FromSeconds(20));
        var parts = request.Text.Split(':', 2);
        queue.Send(long.Parse(parts[0]), parts[1].ToUpperInvariant());
    }
}
