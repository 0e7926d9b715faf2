string ReceiveFromChild(string message)
{
    using var memory = AnonymousSharedMemory.Create(256);
    using var written = SysVSemaphoreSet.Create(0, "written");
    var child = Fork.Run(memory, written, message, (m, w, text) =>
    {
        m.Text().Write(text);
        w.Up();
    });
    written.Down(0, TimeSpan.FromSeconds(30));
    string got = memory.Text().Read();
    child.Wait();
    return got;
}
