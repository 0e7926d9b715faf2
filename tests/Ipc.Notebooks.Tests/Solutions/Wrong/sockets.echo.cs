// The cheapest answer: one client at a time, each served until it closes — the lecture's server in a loop.
void EchoServer(Socket listener, int clients)
{
    for (int i = 0; i < clients; i++)
    {
        using var c = listener.Accept();
        byte[] data;
        while ((data = c.Recv(4096)).Length > 0) c.Send(data);
    }
}
