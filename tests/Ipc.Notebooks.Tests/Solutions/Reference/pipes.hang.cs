// The child was given the whole Pipe, so it held a write end of the numbers pipe itself: its ReadToEnd waited
// for a writer that was the child. Give it only the read end (or close its write end first).
ChildProcess StartSummer(Pipe numbers, Pipe sum)
{
    var summer = Fork.Run(numbers.ReadEnd, sum.WriteEnd, (input, output) =>
    {
        long total = 0;
        foreach (var line in input.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            total += long.Parse(line);
        output.Write(total.ToString());
    }, name: "summer");
    numbers.ReadEnd.Close();
    sum.WriteEnd.Close();
    return summer;
}
