// Prints the farewell before any signal and installs no handler: SIGTERM kills the child.
ChildProcess StartGraceful(string farewell)
{
    return Fork.Run(farewell, word =>
    {
        Console.WriteLine(word);
        Console.WriteLine("ready");
        Thread.Sleep(60_000);
    });
}
