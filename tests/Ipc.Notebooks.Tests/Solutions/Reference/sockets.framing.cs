string RecvMessage(Socket s)
{
    byte[] ReadExactly(int count)
    {
        var buffer = new byte[count];
        int got = 0;
        while (got < count)
        {
            int n = s.Recv(buffer.AsSpan(got));   // one recv: what has arrived, at most what is still missing
            if (n == 0) throw new EndOfStreamException($"the stream ended after {got} of {count} bytes");
            got += n;
        }
        return buffer;
    }
    int length = BinaryPrimitives.ReadInt32BigEndian(ReadExactly(4));
    return Encoding.UTF8.GetString(ReadExactly(length));
}
