// Test-only stand-ins for the few UnityEngine members the package sample uses, with Unity's
// signatures, so scripts/suites/csharp.sh can check that Samples~ compiles without Unity.
// Never shipped.
namespace UnityEngine
{
    public class Object { }
    public class Component : Object { }
    public class Behaviour : Component { }
    public class MonoBehaviour : Behaviour { }

    [System.AttributeUsage(System.AttributeTargets.Field)]
    public class TooltipAttribute : System.Attribute
    {
        public TooltipAttribute(string tooltip) { }
    }

    public static class Application
    {
        public static string persistentDataPath { get { return "/tmp"; } }
    }

    public static class Debug
    {
        public static void Log(object message) { }
        public static void LogError(object message) { }
    }
}

namespace UnityEngine.UI
{
    public class Graphic : UnityEngine.Behaviour { }
    public class MaskableGraphic : Graphic { }
    public class Text : MaskableGraphic
    {
        public virtual string text { get; set; }
    }
}
