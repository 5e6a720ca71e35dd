using System;
using IMCore.Unity.Json;

namespace IMCore.Unity.Callbacks
{
    /// <summary>Work to run when a <c>TIMCommCallback</c> result arrives (strings already copied).</summary>
    internal delegate void CommCompletion(int code, string desc, string json, string user_data);

    /// <summary>Work to run when a read-member-list page arrives (strings already copied).</summary>
    internal delegate void ReadMembersCompletion(string json, ulong next_seq, bool is_finished, string user_data);

    /// <summary>Adapters from a native result to the user's typed callback. They run on the dispatch thread.</summary>
    internal static class Completions
    {
        /// <summary>TIM error code for a result whose JSON cannot be parsed (<c>ERR_INVALID_JSON</c>).</summary>
        internal const int ErrInvalidJson = 6027;

        internal static CommCompletion ForNull(NullValueCallback callback)
        {
            return (code, desc, json, user_data) =>
            {
                if (callback != null)
                {
                    callback(code, desc, user_data);
                }
            };
        }

        internal static CommCompletion ForRaw(ValueCallback<string> callback)
        {
            return (code, desc, json, user_data) =>
            {
                if (callback != null)
                {
                    callback(code, desc, json, user_data);
                }
            };
        }

        internal static CommCompletion ForValue<T>(ValueCallback<T> callback)
        {
            return ForValue(callback, TIMJson.Parse<T>);
        }

        /// <summary>
        /// Parses the result with <paramref name="parse"/>. A success whose JSON cannot be parsed is
        /// reported as <see cref="ErrInvalidJson"/> with the parser's message, and default data.
        /// </summary>
        internal static CommCompletion ForValue<T>(ValueCallback<T> callback, Func<string, T> parse)
        {
            return (code, desc, json, user_data) =>
            {
                T data = default(T);
                if (!string.IsNullOrEmpty(json))
                {
                    try
                    {
                        data = parse(json);
                    }
                    catch (Exception e)
                    {
                        if (code == 0)
                        {
                            BindingLog.Error(user_data + ": cannot parse the result " + Shorten(json) + ": " + e.Message);
                            code = ErrInvalidJson;
                            desc = "imcore.unity: cannot parse the result as " + TypeName(typeof(T)) + ": " + e.Message;
                        }
                    }
                }
                if (callback != null)
                {
                    callback(code, desc, data, user_data);
                }
            };
        }

        private static string TypeName(Type type)
        {
            if (!type.IsGenericType)
            {
                return type.Name;
            }
            string name = type.Name.Substring(0, type.Name.IndexOf('`'));
            return name + "<" + string.Join(",", Array.ConvertAll(type.GetGenericArguments(), TypeName)) + ">";
        }

        internal static string Shorten(string text)
        {
            return text.Length <= 300 ? text : text.Substring(0, 300) + "…";
        }
    }
}
