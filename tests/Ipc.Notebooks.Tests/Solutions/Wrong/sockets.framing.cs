// The cheapest answer: one recv, as server.c does, assumed to hold the whole message.
string RecvMessage(Socket s)
{
    byte[] data = s.Recv(65536);
    return Encoding.UTF8.GetString(data, 4, data.Length - 4);
}
