string RoundTrip(string text)
{
    using var region = AnonymousSharedMemory.Create(256);
    region.Text().Write(text);
    var child = Fork.Run(region, m => m.Text().Write(m.Text().Read().ToUpperInvariant()));
    child.Wait();
    return region.Text().Read();
}
