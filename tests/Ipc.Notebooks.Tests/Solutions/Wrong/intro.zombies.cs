// Every zombie of the machine, whoever its parent is: the decoy's zombies are counted too.
int[] ZombieExitCodes(int parentPid)
{
    var codes = new List<int>();
    foreach (var dir in Directory.GetDirectories("/proc"))
    {
        if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
        string stat;
        try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
        catch (IOException) { continue; }
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Trim().Split(' ');
        if (fields[0] == "Z") codes.Add((int.Parse(fields[^1]) >> 8) & 0xff);
    }
    return codes.ToArray();
}
