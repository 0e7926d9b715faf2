// Takes the oldest messages whatever their type (type 0): the order they were sent, not their urgency.
List<string> MostUrgent(SysVMessageQueue queue, int count)
{
    var taken = new List<string>();
    for (int i = 0; i < count; i++) taken.Add(queue.Receive(0, noWait: true).Text);
    return taken;
}
