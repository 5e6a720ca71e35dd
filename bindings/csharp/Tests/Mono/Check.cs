#if !UNITY_5_3_OR_NEWER
using System;
using System.Collections.Generic;
using System.Linq;

namespace IMCore.Unity.Tests.Mono
{
    /// <summary>A failed expectation.</summary>
    internal sealed class CheckFailed : Exception
    {
        internal CheckFailed(string message) : base(message)
        {
        }
    }

    /// <summary>Assertions.</summary>
    internal static class Check
    {
        internal static void True(bool condition, string what)
        {
            if (!condition)
            {
                throw new CheckFailed("expected: " + what);
            }
        }

        internal static void Equal<T>(T expected, T actual, string what)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
            {
                throw new CheckFailed(what + ": expected " + Show(expected) + ", got " + Show(actual));
            }
        }

        internal static void SameSet(IEnumerable<string> expected, IEnumerable<string> actual, string what)
        {
            var e = expected.OrderBy(s => s, StringComparer.Ordinal).ToList();
            var a = actual.OrderBy(s => s, StringComparer.Ordinal).ToList();
            if (!e.SequenceEqual(a))
            {
                throw new CheckFailed(what + ": expected [" + string.Join(", ", e) + "], got [" + string.Join(", ", a) + "]");
            }
        }

        internal static void Sequence<T>(IEnumerable<T> expected, IEnumerable<T> actual, string what)
        {
            var e = expected.ToList();
            var a = actual.ToList();
            if (!e.SequenceEqual(a))
            {
                throw new CheckFailed(what + ": expected [" + string.Join(", ", e.Select(Show)) + "], got [" + string.Join(", ", a.Select(Show)) + "]");
            }
        }

        internal static CheckFailed Fail(string what)
        {
            return new CheckFailed(what);
        }

        private static string Show<T>(T value)
        {
            if (value == null)
            {
                return "null";
            }
            if (value is string)
            {
                return "\"" + value + "\"";
            }
            return value.ToString();
        }
    }
}
#endif
