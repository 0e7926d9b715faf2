ChildProcess StartGraceful(string farewell)
{
    return Fork.Run(farewell, word =>
    {
        using var handler = SigAction(Signal.SIGTERM, _ =>
        {
            Console.WriteLine(word);
            Environment.Exit(0);
        });
        Console.WriteLine("ready");
        Thread.Sleep(60_000);
    });
}
