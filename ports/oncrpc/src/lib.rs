//! ONC RPC messages (RFC 5531): work in progress.
