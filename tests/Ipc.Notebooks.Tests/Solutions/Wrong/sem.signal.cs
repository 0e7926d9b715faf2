// Waits for the child to exit instead of DOWNing the semaphore: the text is right only because this child
// ends right after writing — a child that goes on working would keep the notebook waiting.
string ReceiveFromChild(string message)
{
    using var memory = AnonymousSharedMemory.Create(256);
    using var written = SysVSemaphoreSet.Create(0, "written");
    var child = Fork.Run(memory, written, message, (m, w, text) =>
    {
        m.Text().Write(text);
        w.Up();
    });
    child.Wait();
    return memory.Text().Read();
}
