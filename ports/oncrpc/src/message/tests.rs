//! Calls and every kind of reply, encoded to the bytes RFC 5531 §9 gives them,
//! worked out by hand word by word.

use crate::{
    AcceptStat, AuthStat, CallBody, MismatchInfo, MsgType, OpaqueAuth, Payload, RejectedReply,
    ReplyBody, ReplyData, RpcMessage,
};
use xdr::{Counted, Error, Xdr};

/// The words of a message, big-endian, as the wire carries them.
fn words(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|word| word.to_be_bytes()).collect()
}

/// Encodes `message`, checks it is exactly `expected`, and decodes it back.
fn assert_wire(message: &RpcMessage, expected: &[u8]) {
    assert_eq!(
        message.to_bytes().expect("encodes").as_ref(),
        expected,
        "{message:?}"
    );
    assert_eq!(RpcMessage::from_bytes(expected).as_ref(), Ok(message));
}

fn add_call() -> RpcMessage {
    let args = Payload::marshal(&(2i32, 3i32)).expect("encodes");
    RpcMessage::call(7, CallBody::new(0x2000_0001, 1, 1, args))
}

fn reply(data: ReplyData) -> RpcMessage {
    RpcMessage::reply(7, ReplyBody::accepted(data))
}

/// The header every accepted reply to xid 7 starts with: xid, REPLY,
/// MSG_ACCEPTED, and an AUTH_NONE verifier with an empty body.
const ACCEPTED: [u32; 5] = [7, 1, 0, 0, 0];

#[test]
fn reference_case_43_the_call_add_2_3_is_twelve_words() {
    #[rustfmt::skip]
    let expected = words(&[
        7,           // xid
        0,           // msg_type CALL
        2,           // rpcvers
        0x2000_0001, // prog
        1,           // vers
        1,           // proc
        0, 0,        // cred: AUTH_NONE, empty body
        0, 0,        // verf: AUTH_NONE, empty body
        2, 3,        // the arguments: int 2, int 3
    ]);
    assert_wire(&add_call(), &expected);
    assert_eq!(add_call().msg_type(), MsgType::Call);
}

#[test]
fn reference_case_43_the_reply_success_5_carries_the_call_s_xid() {
    let results = Payload::marshal(&5i32).expect("encodes");
    let message = RpcMessage::reply(7, ReplyBody::success(results));
    // The header, SUCCESS, then the result int 5.
    assert_wire(&message, &words(&[7, 1, 0, 0, 0, 0, 5]));
    let RpcMessage {
        xid,
        body: crate::MessageBody::Reply(body),
    } = message
    else {
        panic!("a reply")
    };
    assert_eq!(xid, 7);
    assert_eq!(
        body.results()
            .and_then(|results| results.unmarshal::<i32>().ok()),
        Some(5)
    );
    assert_eq!(body.status_name(), "SUCCESS");
}

#[test]
fn reference_case_44_each_accept_error_is_its_stat_and_no_results() {
    let cases = [
        (ReplyData::ProgUnavail, vec![1], "PROG_UNAVAIL"),
        (
            ReplyData::ProgMismatch(MismatchInfo { low: 1, high: 2 }),
            vec![2, 1, 2],
            "PROG_MISMATCH",
        ),
        (ReplyData::ProcUnavail, vec![3], "PROC_UNAVAIL"),
        (ReplyData::GarbageArgs, vec![4], "GARBAGE_ARGS"),
        (ReplyData::SystemErr, vec![5], "SYSTEM_ERR"),
    ];
    for (data, tail, name) in cases {
        let message = reply(data);
        assert_wire(&message, &words(&[&ACCEPTED[..], &tail].concat()));
        let crate::MessageBody::Reply(body) = &message.body else {
            panic!("a reply")
        };
        assert_eq!(body.status_name(), name);
        assert_eq!(body.results(), None);
    }
}

#[test]
fn reference_case_44_a_call_of_rpc_version_3_decodes_and_is_denied_rpc_mismatch_2_2() {
    let mut call = add_call();
    let crate::MessageBody::Call(body) = &mut call.body else {
        panic!("a call")
    };
    body.rpcvers = 3;
    let bytes = call.to_bytes().expect("encodes");
    assert_eq!(bytes[8..12], [0, 0, 0, 3]);
    assert_eq!(
        RpcMessage::from_bytes(&bytes),
        Ok(call),
        "rpcvers is carried, not checked"
    );

    let denial = RpcMessage::reply(7, ReplyBody::rpc_mismatch());
    // xid, REPLY, MSG_DENIED, RPC_MISMATCH, low 2, high 2.
    assert_wire(&denial, &words(&[7, 1, 1, 0, 2, 2]));
}

#[test]
fn an_auth_error_is_denied_with_its_auth_stat() {
    let denial = RpcMessage::reply(9, ReplyBody::auth_error(AuthStat::TooWeak));
    // xid, REPLY, MSG_DENIED, AUTH_ERROR, AUTH_TOOWEAK.
    assert_wire(&denial, &words(&[9, 1, 1, 1, 5]));
    assert_eq!(
        RpcMessage::from_bytes(&words(&[9, 1, 1, 1, 13])).map(|message| message.body),
        Ok(crate::MessageBody::Reply(ReplyBody::Denied(
            RejectedReply::AuthError(AuthStat::RpcsecGssCredProblem)
        )))
    );
}

#[test]
fn reference_case_45_the_null_procedure_has_no_arguments_and_no_results() {
    let ping = RpcMessage::call(1, CallBody::new(100_000, 2, 0, Payload::empty()));
    assert_wire(&ping, &words(&[1, 0, 2, 100_000, 2, 0, 0, 0, 0, 0]));
    let pong = RpcMessage::reply(1, ReplyBody::success(Payload::empty()));
    assert_wire(&pong, &words(&[1, 1, 0, 0, 0, 0]));
}

#[test]
fn a_message_type_reply_stat_or_status_outside_its_enum_is_refused_where_it_stands() {
    assert_eq!(
        RpcMessage::from_bytes(&words(&[7, 2])),
        Err(Error::UnknownEnumValue {
            offset: 4,
            name: "MsgType",
            value: 2
        })
    );
    assert_eq!(
        RpcMessage::from_bytes(&words(&[7, 1, 2])),
        Err(Error::UnknownEnumValue {
            offset: 8,
            name: "ReplyStat",
            value: 2
        })
    );
    assert_eq!(
        RpcMessage::from_bytes(&words(&[7, 1, 0, 0, 0, 6])),
        Err(Error::UnknownEnumValue {
            offset: 20,
            name: "AcceptStat",
            value: 6
        })
    );
    assert_eq!(
        RpcMessage::from_bytes(&words(&[7, 1, 1, 2])),
        Err(Error::UnknownEnumValue {
            offset: 12,
            name: "RejectStat",
            value: 2
        })
    );
    assert_eq!(
        RpcMessage::from_bytes(&words(&[7, 1, 1, 1, 15])),
        Err(Error::UnknownEnumValue {
            offset: 16,
            name: "AuthStat",
            value: 15
        })
    );
}

#[test]
fn a_credential_body_over_400_bytes_is_refused_on_decode_and_on_encode() {
    let mut bytes = words(&[7, 0, 2, 1, 1, 1, 0, 401]);
    bytes.resize(bytes.len() + 404, 0);
    assert_eq!(
        RpcMessage::from_bytes(&bytes),
        Err(Error::LengthOverMaximum {
            offset: 28,
            counted: Counted::Opaque,
            length: 401,
            maximum: 400
        })
    );
    let mut call = CallBody::new(1, 1, 1, Payload::empty());
    call.cred = OpaqueAuth {
        body: xdr::Bounded(vec![0; 401].into()),
        ..OpaqueAuth::none()
    };
    assert!(matches!(
        RpcMessage::call(7, call).to_bytes(),
        Err(Error::LengthOverMaximum {
            offset: 28,
            maximum: 400,
            ..
        })
    ));
}

#[test]
fn a_header_cut_short_is_truncated_and_bytes_after_a_void_status_are_trailing() {
    assert_eq!(
        RpcMessage::from_bytes(&words(&[7, 0, 2, 1, 1])),
        Err(Error::Truncated {
            offset: 20,
            needed: 4,
            available: 0
        })
    );
    assert_eq!(
        RpcMessage::from_bytes(&words(&[7, 1, 0, 0, 0, 1, 99])),
        Err(Error::TrailingBytes {
            offset: 24,
            count: 4
        })
    );
}

#[test]
fn whatever_follows_the_call_header_is_the_arguments_and_follows_success_the_results() {
    let bytes = words(&[7, 0, 2, 5, 1, 1, 0, 0, 0, 0, 0xAB]);
    let Ok(RpcMessage {
        body: crate::MessageBody::Call(call),
        ..
    }) = RpcMessage::from_bytes(&bytes)
    else {
        panic!("a call")
    };
    assert_eq!(call.args.as_slice(), 0xABu32.to_be_bytes());
    assert_eq!(call.args.unmarshal::<u32>(), Ok(0xAB));
    assert!(
        call.args.unmarshal::<(u32, u32)>().is_err(),
        "arguments that do not decode are GARBAGE_ARGS"
    );
    assert_eq!(AcceptStat::GarbageArgs.value(), 4);
}
