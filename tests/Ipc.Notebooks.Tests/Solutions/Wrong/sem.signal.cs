// The child UPs a different semaphore from the one the notebook DOWNs: the notebook's wait times out.
string ReceiveFromChild(string message)
{
    using var memory = AnonymousSharedMemory.Create(256);
    using var sems = SysVSemaphoreSet.Create([0, 0], ["written", "other"]);
    var child = Fork.Run(memory, sems, message, (m, s, text) =>
    {
        m.Text().Write(text);
        s.Up(1);
    });
    sems.Down(0, TimeSpan.FromSeconds(1));
    child.Wait();
    return memory.Text().Read();
}
