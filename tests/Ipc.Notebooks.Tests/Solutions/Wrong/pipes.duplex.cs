// The cheapest cheat: the child only echoes, counting on the notebook to upper-case what comes back. The
// check reads the answer from the pipe itself, so the notebook never gets the chance.
(Pipe ToChild, Pipe FromChild) StartUpperCaser()
{
    var toChild = Pipe.Create();
    var fromChild = Pipe.Create();
    Fork.Run(toChild.ReadEnd, fromChild.WriteEnd, (input, output) => output.Write(input.ReadToEnd()));
    toChild.ReadEnd.Close();
    fromChild.WriteEnd.Close();
    return (toChild, fromChild);
}
