namespace Scraper.Tests.Support;

/// <summary>
/// A fact that needs a program of the machine's: <c>/usr/bin/chromium</c>, or a bare name such as <c>warcio</c> looked up
/// as <see cref="MachineFiles.Find"/> does. Where the program is absent the test is skipped, saying so and how to install
/// it. With <c>failInCi</c> (for the programs .ci/run installs) the test is not skipped when the <c>CI</c> environment
/// variable is set: it runs, and <see cref="MachineFiles.Require"/> fails it, so CI cannot pass without the program.
/// </summary>
public sealed class RequiresFileFactAttribute : FactAttribute
{
    public RequiresFileFactAttribute(string file, bool failInCi = false, string? install = null)
    {
        Skip = MachineFiles.SkipReason(file, MachineFiles.Find(file) is not null, failInCi, Environment.GetEnvironmentVariable("CI"), install);
    }
}

/// <summary>Finds the programs some tests need; see <see cref="RequiresFileFactAttribute"/>.</summary>
public static class MachineFiles
{
    /// <summary>
    /// An absolute path if that file exists; a bare name in .ci/node_modules/.bin (where .ci/run installs npm tools),
    /// then on PATH. Null where it is absent.
    /// </summary>
    public static string? Find(string file)
    {
        if (Path.IsPathRooted(file))
            return File.Exists(file) ? file : null;
        var folders = new[] { Path.Combine(RepoPaths.Root, ".ci", "node_modules", ".bin") }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        return folders.Select(folder => Path.Combine(folder, file)).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Why a test needing <paramref name="file"/> is skipped, or null when it runs: it runs where the file is present,
    /// and also where it is absent but CI (<paramref name="ciVariable"/> set) installs it (<paramref name="failInCi"/>).
    /// </summary>
    public static string? SkipReason(string file, bool present, bool failInCi, string? ciVariable, string? install)
    {
        if (present || (failInCi && !string.IsNullOrEmpty(ciVariable)))
            return null;
        return $"{file} is absent on this machine" + (install is null ? "" : $" (to run this test: {install})");
    }

    /// <summary>The program, for a test its attribute let run; fails the test, saying why, when it is absent (under CI).</summary>
    public static string Require(string file)
    {
        var found = Find(file);
        if (found is null)
            Assert.Fail($"{file} is absent, and CI is set: .ci/run installs it, so this test must run here, not skip");
        return found;
    }
}
