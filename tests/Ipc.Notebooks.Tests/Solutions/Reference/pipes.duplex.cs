(Pipe ToChild, Pipe FromChild) StartUpperCaser()
{
    var toChild = Pipe.Create();
    var fromChild = Pipe.Create();
    Fork.Run(toChild.ReadEnd, fromChild.WriteEnd, (input, output) =>
    {
        string question = input.ReadToEnd();
        output.Write(question.ToUpperInvariant());
    });
    toChild.ReadEnd.Close();     // the child's ends: the notebook keeps only its own two
    fromChild.WriteEnd.Close();
    return (toChild, fromChild);
}
