using System.Reflection;

namespace Scraper.Tests.Support;

/// <summary>The rule for tests that need a program: skip where it is absent, except under CI for what CI installs.</summary>
public sealed class MachineFilesTests
{
    [Theory]
    [InlineData(true, false, null, null)]
    [InlineData(true, true, "1", null)]
    [InlineData(false, true, "1", null)]          // CI installs it: the test runs, and fails if it is missing
    [InlineData(false, true, "true", null)]
    [InlineData(false, true, null, "skip")]       // not CI: skipped, saying so
    [InlineData(false, true, "", "skip")]
    [InlineData(false, false, "1", "skip")]       // CI does not install it: skipped everywhere
    [InlineData(false, false, null, "skip")]
    public void A_test_runs_where_the_program_is_present_or_ci_installs_it(bool present, bool failInCi, string? ci, string? expected)
    {
        var reason = MachineFiles.SkipReason("/usr/bin/tool", present, failInCi, ci, "apt-get install tool");
        if (expected is null)
            Assert.Null(reason);
        else
            Assert.Equal("/usr/bin/tool is absent on this machine (to run this test: apt-get install tool)", reason);
    }

    [Fact]
    public void Programs_are_found_by_path_or_by_name_on_PATH()
    {
        Assert.Equal("/bin/sh", MachineFiles.Find("/bin/sh"));
        Assert.Null(MachineFiles.Find("/no/such/program"));
        Assert.EndsWith("/sh", MachineFiles.Find("sh"));
        Assert.Null(MachineFiles.Find("no-such-program-" + Guid.NewGuid().ToString("N")));
    }

    [Fact]
    public void Requiring_an_absent_program_fails_the_test_saying_why()
    {
        var failure = Assert.ThrowsAny<Exception>(() => MachineFiles.Require("/no/such/program"));
        Assert.Contains("/no/such/program is absent, and CI is set", failure.Message);
    }

    /// <summary>Every test needing a program .ci/run installs must fail under CI without it, not skip.</summary>
    [Fact]
    public void Tests_of_the_programs_ci_installs_fail_in_ci()
    {
        var ciScript = File.ReadAllText(Path.Combine(RepoPaths.Root, ".ci", "run"));
        var uses = typeof(MachineFilesTests).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods())
            .SelectMany(method => method.GetCustomAttributesData()
                .Where(a => a.AttributeType == typeof(RequiresFileFactAttribute))
                .Select(a => (Method: $"{method.DeclaringType!.Name}.{method.Name}", File: (string)a.ConstructorArguments[0].Value!,
                    FailInCi: (bool)a.ConstructorArguments[1].Value!)))
            .ToList();
        Assert.Contains(uses, u => u.File.EndsWith("chromium", StringComparison.Ordinal));
        Assert.Contains(uses, u => u.File == "warcio");
        foreach (var use in uses)
        {
            var installedByCi = ciScript.Contains($"install -y -qq {Path.GetFileName(use.File)}", StringComparison.Ordinal)
                || ciScript.Contains($"npm install --no-audit --no-fund --silent {Path.GetFileName(use.File)}@", StringComparison.Ordinal);
            Assert.True(installedByCi == use.FailInCi, $"{use.Method} needs {use.File}: failInCi is {use.FailInCi}, but .ci/run {(installedByCi ? "installs" : "does not install")} it");
        }
    }
}
