string AskChild(string question)
{
    using var toChild = Pipe.Create();
    using var fromChild = Pipe.Create();
    var child = Fork.Run(toChild.ReadEnd, fromChild.WriteEnd, (input, output) =>
    {
        string q = input.ReadToEnd();
        output.Write(q.ToUpperInvariant());
    });
    fromChild.WriteEnd.Close();
    toChild.WriteEnd.Write(question);
    toChild.WriteEnd.Close();
    string answer = fromChild.ReadEnd.ReadToEnd();
    child.Wait();
    return answer;
}
