List<string> MostUrgent(SysVMessageQueue queue, int count)
{
    var taken = new List<string>();
    // A negative type: the oldest message of the lowest type up to 3 — the most urgent one there is.
    for (int i = 0; i < count; i++) taken.Add(queue.Receive(-3, noWait: true).Text);
    return taken;
}
