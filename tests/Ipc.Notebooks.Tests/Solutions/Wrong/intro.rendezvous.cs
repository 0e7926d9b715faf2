// A pipe's blocking write, which the slide calls a blocking send: it returns once the bytes are in the pipe.
void SyncSend(PipeWriteEnd data, PipeReadEnd ack, string message)
{
    data.Write(message);
}
