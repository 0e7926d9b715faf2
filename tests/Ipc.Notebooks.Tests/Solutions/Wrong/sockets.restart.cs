// The slide's call: SO_REUSEADDR | SO_REUSEPORT is 15, SO_REUSEPORT alone — it even restarts, but lets a second
// server take the port, and SO_REUSEADDR stays 0.
Socket ListenOn(int port)
{
    var s = Socket.Tcp();
    s.SetOption(SOL_SOCKET, SO_REUSEADDR | SO_REUSEPORT, 1);
    s.Bind(SockAddr.Loopback(port));
    s.Listen();
    return s;
}
