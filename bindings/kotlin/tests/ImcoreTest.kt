// The seed-002 flows (unread totals, filter subscriptions, cleaning, excluded
// messages, mute), a receipt round trip through an OutboundTransport written in
// Kotlin, the dispatcher thread and errors, against the built libimcore.
// A small runner (no JUnit here): prints one line per test and ends with
// "kotlin: N passed, N failed"; exits 1 on any failure.

import com.imcore.*
import java.io.File
import java.nio.file.Files
import java.util.Collections

const val FLUSH_MS = 5000u

class Check(msg: String) : AssertionError(msg)

fun check(cond: Boolean, msg: () -> String) {
    if (!cond) throw Check(msg())
}

fun <T> eq(actual: T, expected: T, what: String = "value") {
    if (actual != expected) throw Check("$what: expected <$expected>, got <$actual>")
}

inline fun <reified E : Throwable> throws(block: () -> Unit): E {
    try {
        block()
    } catch (e: Throwable) {
        if (e is E) return e
        throw Check("expected ${E::class.simpleName}, got $e")
    }
    throw Check("expected ${E::class.simpleName}, nothing was thrown")
}

val tempDirs = Collections.synchronizedList(mutableListOf<File>())

fun newClient(user: String = "me", dir: File? = null): ImClient {
    val d = dir ?: Files.createTempDirectory("imcore-kt").toFile().also { tempDirs.add(it) }
    val c = ImClient(ClientConfig(dataDir = d.path, appId = 1400000001uL))
    c.login(user)
    return c
}

fun incoming(
    id: String, conv: String, sender: String, time: Long, seq: Long = 0,
    excluded: Boolean = false, text: String = "hello",
) = IncomingMessage(
    messageId = id, conversationId = conv, senderId = sender, serverTime = time.toULong(),
    seq = seq.toULong(), text = text, excludedFromUnread = excluded,
)

/** bob: 3 C2C messages at t=100/200/300; carol: 2; group g1: seq 1..3; g2: seq 1..2 -> 10. */
fun seed(c: ImClient) {
    c.receiveMessages(
        (1..3).map { incoming("b$it", "c2c_bob", "bob", 100L * it) } +
            (1..2).map { incoming("c$it", "c2c_carol", "carol", 150L + it) } +
            (1..3).map { incoming("g1-$it", "group_g1", "dave", 400L + it, seq = it.toLong()) } +
            (1..2).map { incoming("g2-$it", "group_g2", "erin", 500L + it, seq = it.toLong()) }
    )
}

fun ImClient.unread(id: String) = getConversation(id).unreadCount

fun ImClient.flush() = check(flushEvents(FLUSH_MS)) { "flushEvents timed out" }

/** Records every ConversationListener call, and whether it ran on the
 *  client's dispatcher thread (JNA gives each callback of a native thread a
 *  fresh java.lang.Thread, so the native thread is asked for instead). */
class ConversationRecorder(private val client: ImClient? = null) : ConversationListener {
    data class Call(val name: String, val args: List<Any?>, val thread: Thread, val onDispatcher: Boolean?)
    val calls: MutableList<Call> = Collections.synchronizedList(mutableListOf())
    private fun rec(name: String, vararg args: Any?) {
        calls.add(Call(name, args.toList(), Thread.currentThread(), client?.isDispatcherThread()))
    }
    fun named(name: String) = synchronized(calls) { calls.filter { it.name == name }.map { it.args } }
    fun threads() = synchronized(calls) { calls.map { it.thread }.toSet() }
    fun onDispatcher() = synchronized(calls) { calls.map { it.onDispatcher }.toSet() }

    override fun onSyncStarted() = rec("onSyncStarted")
    override fun onSyncFinished() = rec("onSyncFinished")
    override fun onSyncFailed(reason: String) = rec("onSyncFailed", reason)
    override fun onConversationCreated(conversation: Conversation) = rec("onConversationCreated", conversation)
    override fun onConversationDeleted(conversationIds: List<String>) = rec("onConversationDeleted", conversationIds)
    override fun onConversationChanged(conversations: List<Conversation>) = rec("onConversationChanged", conversations)
    override fun onTotalUnreadCountChanged(unreadCount: ULong) = rec("onTotalUnreadCountChanged", unreadCount)
    override fun onUnreadCountChangedByFilter(filter: ConversationFilter, unreadCount: ULong) =
        rec("onUnreadCountChangedByFilter", filter, unreadCount)
    override fun onConversationReadTimeUpdated(conversationId: String, readTime: ULong) =
        rec("onConversationReadTimeUpdated", conversationId, readTime)
}

/** A "server" joining clients: each client's transport delivers its envelopes
 *  to the other clients, then acks them. */
class LoopbackServer {
    val clients = mutableMapOf<String, ImClient>()
    var time = 1_700_000_000L
    var seq = 0L
    val delivered: MutableList<Pair<String, String>> = Collections.synchronizedList(mutableListOf())
    val sendThreads: MutableSet<Thread> = Collections.synchronizedSet(mutableSetOf())

    fun attach(user: String, client: ImClient) {
        clients[user] = client
        client.setOutboundTransport(object : OutboundTransport {
            override fun send(envelope: OutboundEnvelope) = deliver(user, envelope)
        })
    }

    private fun receivers(sender: String, convId: String): Pair<List<String>, String> =
        if (parseConversationType(convId) == ConversationType.GROUP) {
            clients.keys.filter { it != sender } to convId
        } else {
            val target = parseConversationTargetId(convId)
            (if (target in clients) listOf(target) else emptyList()) to c2cConversationId(sender)
        }

    @Synchronized
    fun deliver(sender: String, env: OutboundEnvelope) {
        sendThreads.add(Thread.currentThread())
        delivered.add(sender to env.kind)
        time += 1
        var stamp = 0L
        when (val p = env.payload) {
            is OutboundPayload.Message -> {
                val m = p.message
                if (parseConversationType(m.conversationId) == ConversationType.GROUP) stamp = ++seq
                val (to, conv) = receivers(sender, m.conversationId)
                for (r in to) clients[r]!!.receiveMessages(listOf(IncomingMessage(
                    messageId = m.messageId, conversationId = conv, senderId = sender,
                    serverTime = time.toULong(), seq = stamp.toULong(), body = m.body,
                    needReadReceipt = m.needReadReceipt, excludedFromUnread = m.excludedFromUnread,
                )))
            }
            is OutboundPayload.Receipts -> {
                val (to, conv) = receivers(sender, p.conversationId)
                for (r in to) clients[r]!!.receiveReceipts(p.messageIds.map {
                    InboundReceipt(conversationId = conv, messageId = it, readerId = sender, timestamp = time.toULong())
                })
            }
            else -> {}
        }
        clients[sender]!!.ackOutbound(env.envelopeId, 0, time.toULong(), stamp.toULong())
    }
}

val C2C_FILTER = ConversationFilter(conversationTypes = listOf(ConversationType.C2C))
val GROUP_FILTER = ConversationFilter(conversationTypes = listOf(ConversationType.GROUP))

val tests: List<Pair<String, () -> Unit>> = listOf(
    "total unread and its change event" to {
        newClient().use { c ->
            val rec = ConversationRecorder(c)
            c.addConversationListener(rec).use {
                eq(c.getTotalUnreadCount(), 0uL)
                seed(c)
                eq(c.getTotalUnreadCount(), 10uL, "total")
                c.flush()
                eq(rec.named("onTotalUnreadCountChanged").last(), listOf<Any?>(10uL), "total event")
                eq(rec.named("onConversationCreated").map { (it[0] as Conversation).conversationId }.toSet(),
                    setOf("c2c_bob", "c2c_carol", "group_g1", "group_g2"), "created")
                c.clearUnreadCountByIds(listOf("c2c_bob"))
                eq(c.getTotalUnreadCount(), 7uL)
                c.flush()
                eq(rec.named("onTotalUnreadCountChanged").last(), listOf<Any?>(7uL))
                @Suppress("UNCHECKED_CAST")
                val changed = rec.named("onConversationChanged").last()[0] as List<Conversation>
                eq(changed.map { it.conversationId }, listOf("c2c_bob"))
                eq(changed[0].unreadCount, 0uL)
                check(Thread.currentThread() !in rec.threads()) { "a listener ran on the test thread" }
                eq(rec.onDispatcher(), setOf<Boolean?>(true), "listener calls on the dispatcher thread")
                check(!c.isDispatcherThread()) { "the test thread claims to be the dispatcher" }
            }
            c.verify()
        }
    },
    "filter subscriptions with two filters" to {
        newClient().use { c ->
            val rec = ConversationRecorder()
            c.addConversationListener(rec).use {
                eq(c.subscribeUnreadCountByFilter(C2C_FILTER), 0uL)
                eq(c.subscribeUnreadCountByFilter(GROUP_FILTER), 0uL)
                seed(c)
                eq(c.getUnreadCountByFilter(C2C_FILTER), 5uL)
                eq(c.getUnreadCountByFilter(GROUP_FILTER), 5uL)
                c.flush()
                val events = rec.named("onUnreadCountChangedByFilter")
                check(listOf(C2C_FILTER, 5uL) in events) { "no C2C filter event in $events" }
                check(listOf(GROUP_FILTER, 5uL) in events) { "no group filter event in $events" }
                var before = rec.named("onUnreadCountChangedByFilter").size
                c.receiveMessages(listOf(incoming("g1-4", "group_g1", "dave", 404, seq = 4)))
                c.flush()
                eq(rec.named("onUnreadCountChangedByFilter").drop(before), listOf(listOf<Any?>(GROUP_FILTER, 6uL)))
                c.unsubscribeUnreadCountByFilter(C2C_FILTER)
                before = rec.named("onUnreadCountChangedByFilter").size
                c.receiveMessages(listOf(incoming("b4", "c2c_bob", "bob", 400)))
                c.receiveMessages(listOf(incoming("g2-3", "group_g2", "erin", 503, seq = 3)))
                c.flush()
                eq(rec.named("onUnreadCountChangedByFilter").drop(before), listOf(listOf<Any?>(GROUP_FILTER, 7uL)))
                eq(c.getUnreadCountByFilter(C2C_FILTER), 6uL)
            }
        }
    },
    "clean by each selector" to {
        newClient().use { c ->
            seed(c)
            c.cleanConversationUnreadMessageCount("c2c_bob", 200uL, 0uL)
            eq(c.unread("c2c_bob"), 1uL, "bob after clean to t=200")
            c.cleanConversationUnreadMessageCount("group_g1", 0uL, 2uL)
            eq(c.unread("group_g1"), 1uL, "g1 after clean to seq 2")
            eq(c.getTotalUnreadCount(), 6uL)
            c.cleanConversationUnreadMessageCount("c2c", 0uL, 0uL)
            eq(c.unread("c2c_bob") + c.unread("c2c_carol"), 0uL)
            eq(c.getTotalUnreadCount(), 3uL)
            c.cleanConversationUnreadMessageCount("group", 0uL, 0uL)
            eq(c.getTotalUnreadCount(), 0uL)
            c.receiveMessages(listOf(incoming("b9", "c2c_bob", "bob", 900), incoming("g1-9", "group_g1", "dave", 901, seq = 9)))
            eq(c.getTotalUnreadCount(), 2uL)
            c.cleanConversationUnreadMessageCount("", 0uL, 0uL)
            eq(c.getTotalUnreadCount(), 0uL)
            eq(c.getConversation("c2c_bob").readTime, 900uL)
            eq(c.getConversationReadTime("group_g1"), 9uL)
            c.verify()
        }
    },
    "excluded-from-unread messages" to {
        newClient().use { c ->
            c.receiveMessages(listOf(
                incoming("x1", "c2c_bob", "bob", 100),
                incoming("x2", "c2c_bob", "bob", 101, excluded = true, text = "typing"),
            ))
            val conv = c.getConversation("c2c_bob")
            eq(conv.unreadCount, 1uL)
            eq(conv.lastMessage?.messageId, "x2")
            eq(conv.lastMessage?.text, "typing")
            eq(c.getTotalUnreadCount(), 1uL)
            check(c.getMessage("x2").excludedFromUnread) { "x2 not excluded" }
        }
    },
    "mute (receive option) leaves the total" to {
        newClient().use { c ->
            val rec = ConversationRecorder()
            c.addConversationListener(rec).use {
                eq(c.getTotalUnreadCount(), 0uL) // starts the total listener
                seed(c)
                c.setReceiveMessageOption("c2c_bob", ReceiveOption.NOT_NOTIFY)
                val conv = c.getConversation("c2c_bob")
                check(conv.mute && conv.unreadCount == 3uL) { "bob: $conv" }
                eq(c.getTotalUnreadCount(), 7uL)
                eq(c.getUnreadCountByFilter(ConversationFilter()), 10uL)
                eq(c.getUnreadCountByFilter(ConversationFilter(ignoreMuted = true)), 7uL)
                c.receiveMessages(listOf(incoming("b4", "c2c_bob", "bob", 400)))
                eq(c.getTotalUnreadCount(), 7uL)
                c.setReceiveMessageOption("c2c_bob", ReceiveOption.RECEIVE)
                eq(c.getTotalUnreadCount(), 11uL)
                c.flush()
                eq(rec.named("onTotalUnreadCountChanged").map { it[0] }.takeLast(2), listOf<Any?>(7uL, 11uL))
            }
        }
    },
    "receipt round trip through a Kotlin OutboundTransport" to {
        val server = LoopbackServer()
        newClient("alice").use { alice ->
            newClient("bob").use { bob ->
                server.attach("alice", alice)
                server.attach("bob", bob)
                val receipts = Collections.synchronizedList(mutableListOf<MessageReceipt>())
                val receiptThreads = Collections.synchronizedSet(mutableSetOf<Thread>())
                val bobGot = Collections.synchronizedList(mutableListOf<MessageInfo>())
                alice.addReceiptListener(object : ReceiptListener {
                    override fun onReceiveReceipts(receipts0: List<MessageReceipt>) {
                        receiptThreads.add(Thread.currentThread()); receipts.addAll(receipts0)
                    }
                }).use {
                    bob.addMessageListener(object : MessageListener {
                        override fun onReceiveMessages(messages: List<MessageInfo>) { bobGot.addAll(messages) }
                    }).use {
                        val sent = alice.sendTextMessage("c2c_bob", "read me", true)
                        eq(sent.status, MessageStatus.SENDING)
                        alice.flush(); bob.flush()
                        eq(alice.getMessage(sent.messageId).status, MessageStatus.SUCCEEDED)
                        eq(bobGot.map { it.messageId }, listOf(sent.messageId))
                        val got = bob.getMessage(sent.messageId)
                        check(got.needReadReceipt && !got.receiptSent && got.text == "read me") { "bob got $got" }
                        eq(bob.unread("c2c_alice"), 1uL)

                        eq(bob.sendMessageReceipts(listOf(sent.messageId)), listOf(sent.messageId))
                        bob.flush(); alice.flush()
                        eq(receipts.map { it.messageId to it.isPeerRead }, listOf(sent.messageId to true))
                        check(alice.getMessageReceipts(listOf(sent.messageId))[0].isPeerRead) { "pulled receipt not read" }
                        check(alice.getMessage(sent.messageId).isPeerRead) { "message not peer-read" }
                        check(bob.getMessage(sent.messageId).receiptSent) { "bob's receipt not marked sent" }
                        check(alice.getPendingOutbound().isEmpty() && bob.getPendingOutbound().isEmpty()) { "unacked envelopes" }
                        check(("alice" to "message") in server.delivered && ("bob" to "receipt") in server.delivered) {
                            "delivered ${server.delivered}"
                        }
                        check(Thread.currentThread() !in server.sendThreads + receiptThreads) {
                            "transport or listener ran on the test thread"
                        }
                    }
                }
            }
        }
    },
    "errors surface as exceptions with the right variant" to {
        newClient().use { c ->
            throws<ImException.ConversationNotFound> { c.getConversation("c2c_nobody") }
            val e = throws<ImException.InvalidParam> { c.getConversation("c2c_" + "x".repeat(296)) }
            check("256" in (e.message ?: "")) { "message: ${e.message}" }
            throws<ImException.InvalidParam> { c.getConversation("nobody") }
            throws<ImException.MessageNotFound> { c.getMessage("missing") }
            throws<ImException.GroupNotFound> { c.clearUnreadCountByGroupId("nope") }
            c.createConversationGroup("work", null, emptyList())
            throws<ImException.GroupExists> { c.createConversationGroup("work", null, emptyList()) }
            val failed = c.clearUnreadCountByIds(listOf("c2c_nobody"))
            eq(failed.map { it.conversationId to it.code }, listOf("c2c_nobody" to 6004))
        }
        val dir = Files.createTempDirectory("imcore-kt").toFile().also { tempDirs.add(it) }
        val other = ImClient(ClientConfig(dataDir = dir.path))
        throws<ImException.NotLoggedIn> { other.getTotalUnreadCount() }
        other.shutdown()
        throws<ImException.NotLoggedIn> { other.login("me") }
        other.close()
    },
    "conversation management and groups" to {
        newClient().use { c ->
            seed(c)
            c.stickTopConversation("c2c_carol", true)
            val page = c.getConversationList(0uL, 3u)
            eq(page.conversationList[0].conversationId, "c2c_carol")
            check(!page.finished) { "first page finished" }
            val rest = c.getConversationList(page.offset, 10u)
            check(rest.finished && page.conversationList.size + rest.conversationList.size == 4) { "paging" }
            eq(c.getStickTopConversationList().map { it.conversationId }, listOf("c2c_carol"))
            c.updateConversation("c2c_bob", ConversationUpdate(serverExtension = "srv"))
            c.updateConversationLocalExtension("c2c_bob", "loc")
            val bob = c.getConversation("c2c_bob")
            eq(bob.serverExtension to bob.localExtension, "srv" to "loc")
            val res = c.createConversationGroup("friends", null, listOf("c2c_bob", "c2c_carol", "c2c_nobody"))
            eq(res.failedList.map { it.conversationId }, listOf("c2c_nobody"))
            val listed = c.getConversationListByOption(0uL, 10u, ConversationOption(conversationGroupIds = listOf("friends")))
            eq(listed.conversationList.map { it.conversationId }.toSet(), setOf("c2c_bob", "c2c_carol"))
            c.clearUnreadCountByGroupId("friends")
            eq(c.getTotalUnreadCount(), 5uL)
            c.renameConversationGroup("friends", "pals")
            eq(c.getConversation("c2c_bob").groupIds, listOf("pals"))
            c.clearUnreadCountByTypes(listOf(ConversationType.GROUP))
            eq(c.getTotalUnreadCount(), 0uL)
            c.markConversation(listOf("c2c_bob"), 0x2uL, true)
            eq(c.getConversation("c2c_bob").markTypes, 0x2uL)
            c.deleteConversation("c2c_bob", false)
            throws<ImException.ConversationNotFound> { c.getConversation("c2c_bob") }
            eq(c.getMessageList("group_g1", null, 2u)[0].messageId, "g1-3")
            c.verify()
        }
    },
    "read position from another device and sync events" to {
        newClient().use { c ->
            val rec = ConversationRecorder()
            c.addConversationListener(rec).use {
                seed(c)
                c.receiveSyncPhase(SyncPhase.STARTED, "")
                c.receiveReadPosition("group_g1", 0uL, 3uL)
                c.receiveSyncPhase(SyncPhase.FAILED, "timeout")
                eq(c.unread("group_g1"), 0uL)
                c.flush()
                val names = rec.calls.map { it.name }
                check(names.indexOf("onConversationReadTimeUpdated") > names.indexOf("onSyncStarted")) { "order: $names" }
                eq(rec.named("onConversationReadTimeUpdated"), listOf(listOf<Any?>("group_g1", 3uL)))
                eq(rec.named("onSyncFailed"), listOf(listOf<Any?>("timeout")))
            }
        }
    },
    "a closed handle stops events" to {
        newClient().use { c ->
            val rec = ConversationRecorder()
            val handle = c.addConversationListener(rec)
            check(handle.isActive()) { "not active" }
            handle.unregister()
            check(!handle.isActive()) { "still active" }
            handle.close()
            seed(c)
            c.flush()
            eq(rec.calls.size, 0, "calls after unregister")
        }
    },
    "conversation id helpers" to {
        eq(conversationIdFromNim("me|1|bob"), "c2c_bob")
        eq(conversationIdFromNim("me|2|team"), "group_team")
        eq(conversationIdToNim("me", "c2c_bob"), "me|1|bob")
        eq(parseConversationType("group_x"), ConversationType.GROUP)
        throws<ImException.InvalidParam> { conversationIdFromNim("me|9|bob") }
    },
)

fun main(args: Array<String>) {
    var passed = 0
    var failed = 0
    val only = args.toSet()
    for ((name, body) in tests) {
        if (only.isNotEmpty() && name !in only) continue
        try {
            body()
            passed++
            println("PASS $name")
        } catch (t: Throwable) {
            failed++
            println("FAIL $name: $t")
            t.printStackTrace(System.out)
        }
    }
    tempDirs.forEach { it.deleteRecursively() }
    println("tests: $passed passed, $failed failed")
    System.out.flush()
    // JNA / cleaner threads must not keep the JVM alive.
    Runtime.getRuntime().halt(if (failed == 0) 0 else 1)
}
