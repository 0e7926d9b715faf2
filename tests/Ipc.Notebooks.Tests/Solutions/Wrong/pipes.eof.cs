// Writes each line and its newline in two calls: two writers' pieces can interleave ("a-0b-1\n\n"),
// though on most runs they do not.
List<string> CollectLines(string[] messages)
{
    using var pipe = Pipe.Create();
    var children = messages.Select(m => Fork.Run(pipe.WriteEnd, m, (w, text) =>
    {
        w.Write(text);
        w.Write("\n");
    })).ToList();
    pipe.WriteEnd.Close();
    string all = pipe.ReadEnd.ReadToEnd();
    foreach (var child in children) child.Wait();
    return all.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
}
