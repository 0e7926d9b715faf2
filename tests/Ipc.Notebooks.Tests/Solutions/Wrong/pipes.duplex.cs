// The child echoes the question as it came: the round trip works, the answer does not.
string AskChild(string question)
{
    using var toChild = Pipe.Create();
    using var fromChild = Pipe.Create();
    var child = Fork.Run(toChild.ReadEnd, fromChild.WriteEnd, (input, output) =>
    {
        output.Write(input.ReadToEnd());
    });
    fromChild.WriteEnd.Close();
    toChild.WriteEnd.Write(question);
    toChild.WriteEnd.Close();
    string answer = fromChild.ReadEnd.ReadToEnd();
    child.Wait();
    return answer;
}
