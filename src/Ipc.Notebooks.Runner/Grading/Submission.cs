namespace Ipc.Notebooks.Runner.Grading;

/// <summary>One student's work: a notebook file, or a folder of notebooks (their repository), named after the file
/// or folder. <see cref="Problem"/> says why there is nothing to grade (an empty folder, a missing path).</summary>
internal sealed record Submission(string Student, string Path, IReadOnlyList<string> Notebooks, string? Problem)
{
    public static IReadOnlyList<Submission> Find(IReadOnlyList<string> inputs)
    {
        var found = new List<Submission>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            var path = System.IO.Path.GetFullPath(input);
            var baseName = Directory.Exists(path)
                ? System.IO.Path.GetFileName(path.TrimEnd('/'))
                : System.IO.Path.GetFileNameWithoutExtension(path);
            // Two students called alice (in different folders) must not share a feedback page.
            var count = names[baseName] = names.GetValueOrDefault(baseName) + 1;
            var student = count == 1 ? baseName : $"{baseName}-{count}";
            if (Directory.Exists(path))
            {
                var notebooks = Directory.EnumerateFiles(path, "*.ipynb", SearchOption.AllDirectories)
                    .Where(f => !f.Contains("/.ipynb_checkpoints/", StringComparison.Ordinal) && !f.Contains("/.git/", StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal).ToList();
                found.Add(new Submission(student, path, notebooks, notebooks.Count == 0 ? $"the folder {path} holds no notebook (.ipynb)" : null));
            }
            else if (File.Exists(path))
                found.Add(new Submission(student, path, [path], null));
            else
                found.Add(new Submission(student, path, [], $"no such file or folder: {path}"));
        }
        return found;
    }
}
