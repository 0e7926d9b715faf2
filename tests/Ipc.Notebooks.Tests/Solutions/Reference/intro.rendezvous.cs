void SyncSend(PipeWriteEnd data, PipeReadEnd ack, string message)
{
    data.Write(message);     // into the kernel's buffer: returns at once
    ack.Read(1);             // the second half: wait until the receiver says it has the message
}
