void EchoServer(Socket listener, int clients)
{
    var connections = new List<Socket>();
    int accepted = 0;
    while (accepted < clients || connections.Count > 0)
    {
        var watched = accepted < clients ? connections.Prepend(listener).ToList() : connections;
        var ready = Socket.Poll(watched, TimeSpan.FromSeconds(30));
        if (ready.Count == 0) break;   // nobody moved for 30 s: give up rather than wait forever
        foreach (var s in ready)
        {
            if (s == listener)
            {
                connections.Add(listener.Accept());
                accepted++;
                continue;
            }
            var data = s.Recv(4096);
            if (data.Length == 0)
            {
                connections.Remove(s);   // end of stream: the client closed
                s.Dispose();
            }
            else s.Send(data);
        }
    }
}
