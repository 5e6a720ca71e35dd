#if !UNITY_5_3_OR_NEWER
using System;

namespace AOT
{
    /// <summary>
    /// Outside Unity, a stand-in for Unity's <c>AOT.MonoPInvokeCallbackAttribute</c>. Under IL2CPP the
    /// attribute marks the static methods that native code calls, so that a native thunk is generated
    /// for each; under Mono it is informational.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method)]
    internal sealed class MonoPInvokeCallbackAttribute : Attribute
    {
        /// <summary>Marks a static method as a callback of native type <paramref name="type"/>.</summary>
        public MonoPInvokeCallbackAttribute(Type type)
        {
            DelegateType = type;
        }

        /// <summary>The native delegate type the method is passed as.</summary>
        public Type DelegateType { get; private set; }
    }
}
#endif
