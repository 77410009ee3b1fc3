using System.Reflection;
using System.Reflection.Emit;
using Scraper.Archive;
using Scraper.Crawling;

namespace Scraper.Tests;

/// <summary>
/// Dependencies point one way: CLI → library stages → archive. Read from the compiled library itself: every type's
/// signatures (base type, fields, properties, parameters, return types, locals) and every type, method and field its IL
/// names, compiler-made types (async state machines, lambdas) included, so a `using` hidden in a method body counts.
/// </summary>
public class LayeringTests
{
    private static readonly Assembly Library = typeof(ArchiveStore).Assembly;

    /// <summary>What a stage must never reference: the stages built on it.</summary>
    public static TheoryData<string, string> Forbidden => new()
    {
        { "Scraper.Archive", "Scraper.Crawling" },
        { "Scraper.Archive", "Scraper.Export" },
        { "Scraper.Archive", "Scraper.Diffing" },
        { "Scraper.Archive", "Scraper.Watching" },
        { "Scraper.Archive", "Scraper.Cli" },
        { "Scraper.Extraction", "Scraper.Archive" },
        { "Scraper.Extraction", "Scraper.Crawling" },
        { "Scraper.Fetching", "Scraper.Archive" },
        { "Scraper.Fetching", "Scraper.Crawling" },
        { "Scraper.Export", "Scraper.Crawling" },
        { "Scraper.Diffing", "Scraper.Crawling" },
    };

    [Theory]
    [MemberData(nameof(Forbidden))]
    public void A_lower_stage_references_no_higher_one(string stage, string higher)
    {
        var offences = References(Library)
            .Where(r => InNamespace(r.From, stage) && InNamespace(r.To, higher))
            .Select(r => $"{r.From.FullName} -> {r.To.FullName}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(offences.Count == 0, $"{stage} must not reference {higher}:\n" + string.Join("\n", offences));
    }

    [Fact]
    public void The_library_does_not_reference_the_cli()
    {
        Assert.DoesNotContain(Library.GetReferencedAssemblies(), a => a.Name == "scraper" || a.Name == "Scraper.Cli");
        Assert.DoesNotContain(Library.GetTypes(), t => InNamespace(t, "Scraper.Cli"));
    }

    /// <summary>The reader must see what it is looking for: a known reference in a method body is found.</summary>
    [Fact]
    public void The_reader_finds_references_made_inside_method_bodies()
    {
        var references = References(typeof(LayeringProbe).Assembly).Where(r => r.From == typeof(LayeringProbe) || r.From.DeclaringType == typeof(LayeringProbe)).ToList();
        var named = references.Select(r => r.To.FullName).Distinct().ToList();
        Assert.True(named.Contains(typeof(CrawlArchive).FullName) && named.Contains(typeof(FrontierEntry).FullName), string.Join(", ", named));
        // And the crawl's vocabulary lives with the crawl.
        Assert.Equal("Scraper.Crawling", typeof(FrontierItem).Namespace);
    }

    private static bool InNamespace(Type type, string name) =>
        type.Namespace is { } ns && (ns == name || ns.StartsWith(name + ".", StringComparison.Ordinal));

    private static IEnumerable<(Type From, Type To)> References(Assembly assembly)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetTypes())
        {
            var named = new List<Type?> { type.BaseType };
            named.AddRange(type.GetInterfaces());
            named.AddRange(type.GetFields(all).Select(f => f.FieldType));
            named.AddRange(type.GetProperties(all).Select(p => p.PropertyType));
            named.AddRange(type.GetEvents(all).Select(e => e.EventHandlerType));
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (method is MethodInfo info)
                    named.Add(info.ReturnType);
                named.AddRange(method.GetParameters().Select(p => p.ParameterType));
                MethodBody? body;
                try { body = method.GetMethodBody(); }
                catch (InvalidOperationException) { continue; }
                if (body is null)
                    continue;
                named.AddRange(body.LocalVariables.Select(l => l.LocalType));
                named.AddRange(TypesInIl(method, body));
            }
            foreach (var to in named.Where(t => t is not null).SelectMany(t => Unwrap(t!)))
                yield return (type, to);
        }
    }

    /// <summary>A type and the types it is made of: element types, generic arguments.</summary>
    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType && type.GetElementType() is { } element)
        {
            foreach (var t in Unwrap(element))
                yield return t;
            yield break;
        }
        if (type.IsGenericParameter)
            yield break;
        yield return type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (type.IsGenericType)
            foreach (var argument in type.GetGenericArguments())
                foreach (var t in Unwrap(argument))
                    yield return t;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The declaring types of every type, method and field token in the method's IL.</summary>
    private static IEnumerable<Type> TypesInIl(MethodBase method, MethodBody body)
    {
        var il = body.GetILAsByteArray() ?? [];
        var module = method.Module;
        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var found = new List<Type>();
        var i = 0;
        while (i < il.Length)
        {
            short value = il[i++];
            if (value == 0xFE)
                value = (short)(0xFE00 | il[i++]);
            if (!OpCodesByValue.TryGetValue(value, out var op))
                break;
            switch (op.OperandType)
            {
                case OperandType.InlineType or OperandType.InlineTok or OperandType.InlineMethod or OperandType.InlineField:
                    var token = BitConverter.ToInt32(il, i);
                    try
                    {
                        switch (module.ResolveMember(token, typeArguments, methodArguments))
                        {
                            case Type t: found.Add(t); break;
                            case MethodBase m when m.DeclaringType is { } d:
                                found.Add(d);
                                if (m is MethodInfo mi) found.Add(mi.ReturnType);
                                if (m.IsGenericMethod) found.AddRange(m.GetGenericArguments());
                                break;
                            case FieldInfo f when f.DeclaringType is { } d: found.Add(d); found.Add(f.FieldType); break;
                        }
                    }
                    catch (ArgumentException) { }
                    catch (TypeLoadException) { }
                    catch (BadImageFormatException) { }
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    var count = BitConverter.ToInt32(il, i);
                    i += 4 + 4 * count;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineNone:
                    break;
                default:
                    i += 4;
                    break;
            }
        }
        return found;
    }
}

/// <summary>A type that names the crawl only inside a method body, for the reader's own test.</summary>
internal static class LayeringProbe
{
    // Neither type shows in a signature or a local: only the IL names them (a call and a newobj).
    public static int Probe(ArchiveStore store) =>
        store.Frontier.GetHashCode() + new FrontierEntry("https://example.org/", FrontierKind.Page, null, null).GetHashCode();
}
