#if !UNITY_5_3_OR_NEWER
// The Mono test runner: runs the scenario tests against the real libimcore (no NUnit needed).
//
//   LD_LIBRARY_PATH=target/debug mono build/imcore.unity.tests.exe [name-substring…]
//
// Prints one line per test and closes with "N passed, N failed"; exits 1 when a test failed.
// `--peer` runs the child side of the two-user tests (see PeerMain).
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace IMCore.Unity.Tests.Mono
{
    internal sealed class TestCase
    {
        internal readonly string Name;
        internal readonly Action Body;

        internal TestCase(string name, Action body)
        {
            Name = name;
            Body = body;
        }
    }

    internal static class Runner
    {
        /// <summary>Longest a single test may take before the runner gives up on the whole process.</summary>
        private const int TestTimeoutSeconds = 60;

        private static List<TestCase> All()
        {
            var tests = new List<TestCase>();
            Seed000Tests.Register(tests);
            Seed003Tests.Register(tests);
            UnreadTests.Register(tests);
            TextTests.Register(tests);
            CallbackTests.Register(tests);
            ExtensionTests.Register(tests);
            LifecycleTests.Register(tests);
            UnreadExtrasTests.Register(tests);
            return tests;
        }

        internal static int Main(string[] args)
        {
            bool fullAot = Environment.GetEnvironmentVariable("IMCORE_FULL_AOT") == "1";
            if (fullAot)
            {
                UseLateBoundJson();
            }
            if (args.Length > 0 && args[0] == "--peer")
            {
                return PeerMain.Run();
            }
            if (args.Length == 3 && args[0] == "--exit-without-uninit")
            {
                return CallbackTests.ExitWithoutUninitChild(args[1], args[2]);
            }
            if (fullAot)
            {
                // Not in the peer: its standard output is the relay protocol.
                Console.WriteLine("Json.NET: dynamic code generation off (full AOT)");
            }
            var stopwatch = Stopwatch.StartNew();
            var tests = All();
            int passed = 0, failed = 0;
            var failures = new List<string>();
            foreach (TestCase test in tests)
            {
                if (args.Length > 0 && Array.FindIndex(args, a => test.Name.Contains(a)) < 0)
                {
                    continue;
                }
                var watch = Stopwatch.StartNew();
                string error = RunOne(test);
                if (error == null)
                {
                    passed++;
                    Console.WriteLine("PASS " + test.Name + " (" + watch.ElapsedMilliseconds + " ms)");
                }
                else
                {
                    failed++;
                    failures.Add(test.Name);
                    Console.WriteLine("FAIL " + test.Name + " (" + watch.ElapsedMilliseconds + " ms)");
                    Console.WriteLine("     " + error.Replace("\n", "\n     "));
                }
            }
            Console.WriteLine();
            if (failed > 0)
            {
                Console.WriteLine("failed: " + string.Join(", ", failures));
            }
            Console.WriteLine("total time " + stopwatch.ElapsedMilliseconds + " ms");
            if (passed + failed == 0)
            {
                Console.WriteLine("no test matches " + string.Join(" ", args));
                failed = 1;
            }
            else if (failed == 0)
            {
                try
                {
                    System.IO.Directory.Delete(Env.BaseDir, true);
                }
                catch (Exception)
                {
                }
            }
            else
            {
                Console.WriteLine("data folders kept in " + Env.BaseDir);
            }
            Console.WriteLine(passed + " passed, " + failed + " failed");
            return failed == 0 ? 0 : 1;
        }

        /// <summary>
        /// Under <c>mono --full-aot</c> (the stand-in for IL2CPP and iOS: no code may be generated at run
        /// time) Debian's Json.NET 6.0.8 would emit IL for its serializers; Unity's Json.NET fork does not.
        /// Turning its private static <c>JsonTypeReflector._dynamicCodeGeneration</c> off makes it use
        /// late-bound reflection instead, as the fork does. Test-only (reflection on a private field).
        /// </summary>
        private static void UseLateBoundJson()
        {
            var reflector = typeof(Newtonsoft.Json.JsonConvert).Assembly.GetType("Newtonsoft.Json.Serialization.JsonTypeReflector");
            var field = reflector == null ? null : reflector.GetField(
                "_dynamicCodeGeneration", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static);
            if (field == null)
            {
                throw new InvalidOperationException("Json.NET has no JsonTypeReflector._dynamicCodeGeneration to turn off");
            }
            field.SetValue(null, (bool?)false);
        }

        /// <summary>Runs one test; null when it passed, else the failure text.</summary>
        private static string RunOne(TestCase test)
        {
            var done = new ManualResetEventSlim(false);
            var watchdog = new Thread(() =>
            {
                if (!done.Wait(TimeSpan.FromSeconds(TestTimeoutSeconds)))
                {
                    Console.WriteLine("FAIL " + test.Name + ": still running after " + TestTimeoutSeconds + " s; aborting the run");
                    Runner.Abort(2);
                }
            });
            watchdog.IsBackground = true;
            watchdog.Start();
            try
            {
                test.Body();
                return null;
            }
            catch (Exception e)
            {
                var check = e as CheckFailed;
                return check != null ? check.Message + "\n" + ShortTrace(e) : e.ToString();
            }
            finally
            {
                done.Set();
                Env.AbandonCurrent();
            }
        }

        /// <summary>
        /// Ends the process at once. Environment.Exit is not enough: Mono's shutdown waits for threads,
        /// and a thread stuck in native code (the failure being reported) would keep it alive.
        /// </summary>
        internal static void Abort(int code)
        {
            Console.WriteLine("0 passed, 1 failed");
            Console.Out.Flush();
            Console.Error.Flush();
            Process.GetCurrentProcess().Kill();
            Environment.Exit(code);
        }

        private static string ShortTrace(Exception e)
        {
            var lines = new List<string>();
            foreach (string line in (e.StackTrace ?? string.Empty).Split('\n'))
            {
                if (line.Contains("Check.") || line.Contains("Env.Wait") || line.Contains("Runner."))
                {
                    continue;
                }
                lines.Add(line.Trim());
                if (lines.Count == 4)
                {
                    break;
                }
            }
            return string.Join("\n", lines);
        }
    }
}
#endif
