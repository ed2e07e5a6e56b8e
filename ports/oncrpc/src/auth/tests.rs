//! Credentials: AUTH_NONE, AUTH_SYS carried and read back, flavors not known.

use crate::{
    AuthFlavor, AuthStat, AuthSysParms, CallBody, MAX_AUTH_BYTES, OpaqueAuth, Payload, RpcMessage,
};
use xdr::{Bounded, Opaque, Xdr};

fn parms() -> AuthSysParms {
    AuthSysParms {
        stamp: 0x1234_5678,
        machinename: Bounded("host".into()),
        uid: 1000,
        gid: 100,
        gids: Bounded(vec![100, 20]),
    }
}

#[test]
fn auth_none_is_flavor_0_with_an_empty_body() {
    assert_eq!(
        OpaqueAuth::none().to_bytes().expect("encodes").as_ref(),
        [0; 8]
    );
    assert_eq!(AuthFlavor::NONE.name(), Some("AUTH_NONE"));
    assert_eq!(MAX_AUTH_BYTES, 400);
}

#[test]
fn an_auth_sys_credential_is_its_parameters_as_an_opaque_body() {
    let cred = OpaqueAuth::sys(&parms()).expect("within its maximums");
    #[rustfmt::skip]
    let expected: &[u8] = &[
        0x00, 0x00, 0x00, 0x01, // flavor AUTH_SYS
        0x00, 0x00, 0x00, 0x20, // body length 32
        0x12, 0x34, 0x56, 0x78, // stamp
        0x00, 0x00, 0x00, 0x04, // machinename length 4
        b'h', b'o', b's', b't', // "host"
        0x00, 0x00, 0x03, 0xE8, // uid 1000
        0x00, 0x00, 0x00, 0x64, // gid 100
        0x00, 0x00, 0x00, 0x02, // two gids
        0x00, 0x00, 0x00, 0x64, // 100
        0x00, 0x00, 0x00, 0x14, // 20
    ];
    assert_eq!(cred.to_bytes().expect("encodes").as_ref(), expected);
    assert_eq!(cred.sys_parms(), Some(Ok(parms())));
    assert_eq!(
        OpaqueAuth::none().sys_parms(),
        None,
        "only an AUTH_SYS body is read as one"
    );
}

#[test]
fn auth_sys_parameters_travel_in_a_call_unchecked() {
    let mut call = CallBody::new(0x2000_0001, 1, 1, Payload::empty());
    call.cred = OpaqueAuth::sys(&AuthSysParms { uid: 0, ..parms() }).expect("encodes");
    let message = RpcMessage::call(3, call.clone());
    let decoded = RpcMessage::from_bytes(&message.to_bytes().expect("encodes"));
    assert_eq!(decoded, Ok(message));
    assert_eq!(
        call.cred
            .sys_parms()
            .and_then(Result::ok)
            .map(|parms| parms.uid),
        Some(0)
    );
}

#[test]
fn auth_sys_parameters_over_their_maximums_do_not_encode() {
    let too_many_groups = AuthSysParms {
        gids: Bounded(vec![0; 17]),
        ..parms()
    };
    assert!(OpaqueAuth::sys(&too_many_groups).is_err());
    let long_name = AuthSysParms {
        machinename: Bounded("m".repeat(256)),
        ..parms()
    };
    assert!(OpaqueAuth::sys(&long_name).is_err());
}

#[test]
fn the_largest_auth_sys_body_still_fits_in_400_bytes() {
    let largest = AuthSysParms {
        machinename: Bounded("m".repeat(255)),
        gids: Bounded(vec![0; 16]),
        ..parms()
    };
    let cred = OpaqueAuth::sys(&largest).expect("fits");
    assert_eq!(cred.body.len(), 340);
}

#[test]
fn a_flavor_this_crate_does_not_name_is_still_carried() {
    let cred = OpaqueAuth {
        flavor: AuthFlavor(390_003),
        body: Bounded(Opaque::from(vec![1, 2, 3, 4])),
    };
    assert_eq!(
        OpaqueAuth::from_bytes(&cred.to_bytes().expect("encodes")),
        Ok(cred)
    );
    assert_eq!(AuthFlavor(390_003).name(), None);
}

#[test]
fn auth_stat_has_the_rfc_s_fifteen_values_and_names() {
    assert_eq!(AuthStat::ALL.len(), 15);
    assert_eq!(AuthStat::BadCred.value(), 1);
    assert_eq!(AuthStat::TooWeak.name(), "AUTH_TOOWEAK");
    assert_eq!(AuthStat::RpcsecGssCtxProblem.value(), 14);
    assert_eq!(AuthStat::from_value(15), None);
}
