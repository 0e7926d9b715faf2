// Keeps the notebook's write end open: end of file never comes.
List<string> CollectLines(string[] messages)
{
    using var pipe = Pipe.Create();
    var children = messages.Select(m => Fork.Run(pipe.WriteEnd, m, (w, text) => w.Write(text + "\n"))).ToList();
    string all = pipe.ReadEnd.ReadToEnd();
    foreach (var child in children) child.Wait();
    return all.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
}
