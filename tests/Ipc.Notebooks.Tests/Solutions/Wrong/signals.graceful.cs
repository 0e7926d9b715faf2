// No handler and no sleep: prints the farewell and "ready" at once and exits with status 0 before any SIGTERM.
ChildProcess StartGraceful(string farewell)
{
    return Fork.Run(farewell, word =>
    {
        Console.WriteLine(word);
        Console.WriteLine("ready");
    });
}
