List<string> ReceiveUntilEnd(int queueId)
{
    var msgid = SysVMessageQueue.Open(queueId);
    var lines = new List<string>();
    try
    {
        while (true)
        {
            // A buffer for the largest message the kernel allows (msgmax): nothing is cut, nothing fails.
            var data = msgid.Receive(5, maxSize: 8192, timeout: TimeSpan.FromSeconds(20));
            if (data.Text.StartsWith("end")) break;
            lines.Add(data.Text);
        }
    }
    finally
    {
        msgid.Remove();   // on every path
    }
    return lines;
}
