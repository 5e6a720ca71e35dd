using System;
using System.Collections.Generic;
using IMCore.Unity.Enums;
using IMCore.Unity.Types;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IMCore.Unity.Json
{
    /// <summary>
    /// JSON conventions of the C ABI: TIM keys as field names, <c>null</c> fields omitted, enums as
    /// integers, unknown keys tolerated (and kept), strings never reinterpreted as dates.
    /// </summary>
    internal static class TIMJson
    {
        internal static readonly JsonSerializerSettings Settings = new JsonSerializerSettings
        {
            NullValueHandling = NullValueHandling.Ignore,
            MissingMemberHandling = MissingMemberHandling.Ignore,
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Double,
            Formatting = Formatting.None,
        };

        private static readonly JsonSerializer Serializer = JsonSerializer.Create(Settings);

        /// <summary>Serialises <paramref name="value"/>; <c>null</c> gives <c>null</c> (a NULL pointer for native).</summary>
        internal static string Serialize(object value)
        {
            return value == null ? null : JsonConvert.SerializeObject(value, Settings);
        }

        /// <summary>Serialises a list of strings as a JSON array; <c>null</c> gives <c>"[]"</c>.</summary>
        internal static string StringArray(IList<string> values)
        {
            return JsonConvert.SerializeObject(values ?? new List<string>(), Settings);
        }

        /// <summary>Parses <paramref name="json"/>; empty text gives <c>default(T)</c>. Throws on malformed JSON.</summary>
        internal static T Parse<T>(string json)
        {
            if (string.IsNullOrEmpty(json))
            {
                return default(T);
            }
            return JsonConvert.DeserializeObject<T>(json, Settings);
        }

        /// <summary>
        /// Parses a conversation array. Items may be ConvInfo objects or conversation id strings
        /// (<c>c2c_…</c>, <c>group_…</c> or raw); strings become ConvInfo with id and type only.
        /// Empty text gives an empty list.
        /// </summary>
        internal static List<ConvInfo> ParseConvInfoList(string json)
        {
            var list = new List<ConvInfo>();
            if (string.IsNullOrEmpty(json))
            {
                return list;
            }
            foreach (JToken item in ParseArray(json))
            {
                if (item.Type == JTokenType.String)
                {
                    list.Add(ConvInfoFromId((string)item));
                }
                else if (item.Type == JTokenType.Object)
                {
                    list.Add(item.ToObject<ConvInfo>(Serializer));
                }
            }
            return list;
        }

        /// <summary>
        /// Parses an array of conversation ids. Items may be id strings (kept as they are) or ConvInfo
        /// objects (turned into <c>c2c_&lt;id&gt;</c> / <c>group_&lt;id&gt;</c>). Empty text gives an empty list.
        /// </summary>
        internal static List<string> ParseConversationIdList(string json)
        {
            var list = new List<string>();
            if (string.IsNullOrEmpty(json))
            {
                return list;
            }
            foreach (JToken item in ParseArray(json))
            {
                if (item.Type == JTokenType.String)
                {
                    list.Add((string)item);
                }
                else if (item.Type == JTokenType.Object)
                {
                    list.Add(ConversationIdOf(item.ToObject<ConvInfo>(Serializer)));
                }
            }
            return list;
        }

        /// <summary>The <c>c2c_</c>/<c>group_</c> conversation id of a ConvInfo.</summary>
        internal static string ConversationIdOf(ConvInfo info)
        {
            switch (info.conv_type)
            {
                case TIMConvType.kTIMConv_C2C: return "c2c_" + info.conv_id;
                case TIMConvType.kTIMConv_Group: return "group_" + info.conv_id;
                default: return info.conv_id;
            }
        }

        private static ConvInfo ConvInfoFromId(string id)
        {
            if (id.StartsWith("c2c_", StringComparison.Ordinal))
            {
                return new ConvInfo { conv_id = id.Substring(4), conv_type = TIMConvType.kTIMConv_C2C };
            }
            if (id.StartsWith("group_", StringComparison.Ordinal))
            {
                return new ConvInfo { conv_id = id.Substring(6), conv_type = TIMConvType.kTIMConv_Group };
            }
            return new ConvInfo { conv_id = id };
        }

        private static JArray ParseArray(string json)
        {
            using (var reader = new JsonTextReader(new System.IO.StringReader(json)))
            {
                reader.DateParseHandling = DateParseHandling.None;
                return JArray.Load(reader);
            }
        }
    }
}
