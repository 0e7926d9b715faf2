string ReceiveFromChild(string message)
{
    using var memory = AnonymousSharedMemory.Create(256);
    using var turns = SysVSemaphoreSet.Create([0, 0], ["written", "read"]);
    var child = Fork.Run(memory, turns, message, (m, t, text) =>
    {
        m.Text().Write(text);
        t.Up(0);                                 // written
        t.Down(1, TimeSpan.FromSeconds(30));     // stays until the notebook has read
    });
    turns.Down(0, TimeSpan.FromSeconds(30));
    string got = memory.Text().Read();
    turns.Up(1);
    child.Wait();
    return got;
}
