Socket ListenOn(int port)
{
    var s = Socket.Tcp();
    s.SetOption(SOL_SOCKET, SO_REUSEADDR, 1);   // one option per call: bind over TIME_WAIT
    s.Bind(SockAddr.Loopback(port));
    s.Listen();
    return s;
}
