namespace IMCore.Unity.Enums
{
    /// <summary>
    /// Synchronous return code of every API call. Only <see cref="TIM_SUCC"/> means the call was
    /// accepted and its callback will be invoked (exactly once); any other value means the callback
    /// will not be invoked.
    /// </summary>
    public enum TIMResult
    {
        /// <summary>The call was accepted; its callback will be invoked.</summary>
        TIM_SUCC = 0,
        /// <summary>The SDK is not initialised (call <c>Init</c> first).</summary>
        TIM_ERR_SDKUNINIT = -1,
        /// <summary>No user is logged in.</summary>
        TIM_ERR_NOTLOGIN = -2,
        /// <summary>Malformed JSON or an unknown JSON key.</summary>
        TIM_ERR_JSON = -3,
        /// <summary>A parameter is invalid.</summary>
        TIM_ERR_PARAM = -4,
        /// <summary>The conversation is invalid.</summary>
        TIM_ERR_CONV = -5,
        /// <summary>The group is invalid.</summary>
        TIM_ERR_GROUP = -6,
        /// <summary>imcore extension: an internal error (a caught panic); nothing changed and the callback is not called.</summary>
        IMCORE_ERR_INTERNAL = -100,
    }
}
