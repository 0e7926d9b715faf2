int[] ZombieExitCodes(int parentPid)
{
    var codes = new List<int>();
    foreach (var dir in Directory.GetDirectories("/proc"))
    {
        if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
        string stat;
        try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
        catch (IOException) { continue; }                                  // it ended while we looked
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Trim().Split(' ');  // fields 3, 4, … 52
        if (fields[0] == "Z" && int.Parse(fields[1]) == parentPid)
            codes.Add((int.Parse(fields[^1]) >> 8) & 0xff);
    }
    return codes.ToArray();
}
