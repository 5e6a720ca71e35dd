using System.Collections.Generic;
using IMCore.Unity.Json;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IMCore.Unity.Types
{
    /// <summary>
    /// Base of every JSON object of the API. Field names are the TIM JSON keys; fields left
    /// <c>null</c> are not sent. Keys that the class does not name are kept in
    /// <see cref="extra_data"/> and written back when the object is sent again, so a message
    /// received from the library can be passed back to it without losing anything.
    /// </summary>
    public abstract class TIMJsonObject
    {
        /// <summary>JSON keys this class does not declare, kept for round trips.</summary>
        [JsonExtensionData]
        public IDictionary<string, JToken> extra_data;

        /// <summary>The object as the JSON text sent to the native library.</summary>
        public override string ToString()
        {
            return TIMJson.Serialize(this);
        }
    }
}
