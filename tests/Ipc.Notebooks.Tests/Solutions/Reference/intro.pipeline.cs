string Pipeline(string[] first, string[] second)
{
    using var pipe = Pipe.Create();
    var writer = Command.Start(first[0], first[1..], stdout: pipe.WriteEnd);
    var reader = Command.Start(second[0], second[1..], stdin: pipe.ReadEnd);
    pipe.Dispose();          // the notebook's copies: the reader sees end of file once the writer exits
    writer.Wait();
    reader.Wait();
    return reader.StandardOutput;
}
