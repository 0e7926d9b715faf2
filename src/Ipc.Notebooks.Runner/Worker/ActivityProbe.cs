using System.Reflection;

namespace Ipc.Notebooks.Runner.Worker;

// Asks the course library, when a notebook has loaded it, what it is waiting for, so that a timed-out cell is
// reported as "waiting for a read on pipe 5 by child 1234" rather than only "took too long". Found by
// reflection: the runner does not reference the library, and older versions of it may lack the method.
internal static class ActivityProbe
{
    public static string? Describe()
    {
        try
        {
            var lab = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "Ipc.Lab");
            var describe = lab?.GetType("Ipc.Lab.Diagnostics.Activity")?.GetMethod("Describe", BindingFlags.Public | BindingFlags.Static, Type.EmptyTypes);
            return describe?.Invoke(null, null) as string;
        }
        catch (Exception e)
        {
            return $"(Ipc.Lab.Diagnostics.Activity.Describe() failed: {e.InnerException?.Message ?? e.Message})";
        }
    }
}
