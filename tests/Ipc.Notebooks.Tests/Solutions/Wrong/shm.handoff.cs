// Gets the right text without any child: the check must notice that no process shared the memory.
string RoundTrip(string text)
{
    using var region = AnonymousSharedMemory.Create(256);
    region.Text().Write(text.ToUpperInvariant());
    return region.Text().Read();
}
