int MeasureCapacity(Pipe pipe)
{
    pipe.WriteEnd.NonBlocking = true;
    var chunk = new byte[1024];
    int written = 0;
    try
    {
        while (true) written += pipe.WriteEnd.Write(chunk);
    }
    catch (SyscallException e) when (e.ErrnoName == "EAGAIN")
    {
        // Full: a non-blocking write fails instead of waiting for a reader.
    }
    return written;
}
