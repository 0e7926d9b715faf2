using Ipc.Contracts;

namespace Ipc.Notebooks.Runner.Worker;

// Asks the course library, when a notebook has loaded it, what it is waiting for, so that a timed-out cell is
// reported as "waiting for a read on pipe 5 by child 1234" rather than only "took too long". The runner does
// not reference the library: the library publishes the question under a shared key when it loads.
internal static class ActivityProbe
{
    public static string? Describe()
    {
        if (AppContext.GetData(ActivityReport.AppContextKey) is not Func<string> describe) return null;
        try
        {
            return describe();
        }
        catch (Exception e)
        {
            return $"(Ipc.Lab could not say what it waits for: {e.Message})";
        }
    }
}
