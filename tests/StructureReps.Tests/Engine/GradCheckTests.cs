using StructureReps.Tests.Support;
using Xunit;

namespace StructureReps.Tests.Engine;

/// <summary>Every op's backward rule against central differences, in double precision on the reference backend.</summary>
public sealed class GradCheckTests
{
    [Theory]
    [MemberData(nameof(OpCases.GradCheckNames), MemberType = typeof(OpCases))]
    public void Gradient_matches_central_difference(string op) => Numerics.GradCheck(OpCases.All[op]);
}
