// imcore sample: the total unread count on a UI Text badge.
// Add this component to a GameObject, drag a UnityEngine.UI.Text onto `badge`, set the user id and
// signature; callbacks are pumped on the main thread in Update (CallbackDispatchMode.Pumped).
using IMCore.Unity;
using IMCore.Unity.Enums;
using IMCore.Unity.Types;
using UnityEngine;
using UnityEngine.UI;

public class UnreadBadge : MonoBehaviour
{
    [Tooltip("Your application's SDKAppID.")]
    public long sdkAppId = 1400000000;
    public string userId = "alice";
    public string userSig = "";
    [Tooltip("Shows the total unread count (empty when 0).")]
    public Text badge;

    private bool initialised;

    void Awake()
    {
        // Callbacks run inside DispatchCallbacks() on this (the main) thread.
        TencentIMSDK.SetCallbackDispatchMode(CallbackDispatchMode.Pumped);
        TIMResult init = TencentIMSDK.Init(sdkAppId, new SdkConfig
        {
            sdk_config_config_file_path = Application.persistentDataPath + "/imcore",
            sdk_config_log_file_path = Application.persistentDataPath + "/imcore-log",
        });
        if (init != TIMResult.TIM_SUCC)
        {
            Debug.LogError("imcore Init failed: " + init);
            return;
        }
        initialised = true;
        // Listeners before login: offline messages arrive right after it.
        TencentIMSDK.SetConvTotalUnreadMessageCountChangedCallback((int total, string user_data) => Show(total));
        TencentIMSDK.Login(userId, userSig, (int code, string desc, string user_data) =>
        {
            if (code != 0)
            {
                Debug.LogError("imcore login failed: " + code + " " + desc);
                return;
            }
            TencentIMSDK.ConvGetTotalUnreadMessageCount((int c, string d, GetTotalUnreadNumberResult result, string u) =>
            {
                if (c == 0)
                {
                    Show(result.conv_get_total_unread_message_count_result_unread_count);
                }
            });
        });
    }

    void Update()
    {
        if (initialised)
        {
            TencentIMSDK.DispatchCallbacks();
        }
    }

    void OnApplicationQuit()
    {
        if (initialised)
        {
            TencentIMSDK.Uninit();
            initialised = false;
        }
    }

    private void Show(int total)
    {
        if (badge != null)
        {
            badge.text = total > 0 ? total.ToString() : "";
        }
    }
}
