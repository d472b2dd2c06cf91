@bgp @scale @ibgp @ipv4 @ipv6 @dualstack
Feature: Scale on the wire: thousands of host routes over many UPDATEs, then churn
  2,500 dual-stack Services share one set of attributes, so their 5,000 host routes (/32 and /128) must be
  packed into many UPDATE messages of at most 4,096 bytes (IPv4 in NLRI, IPv6 in MP_REACH_NLRI). The
  router's table is checked route by route: none missing, none extra, every attribute right. Then, in one
  change, 400 Services go and 400 new ones come: the withdrawals and announcements span many messages
  again, and afterwards nothing is stale and nothing is missing. Service addresses come from 198.18.0.0/15
  (RFC 2544 benchmarking) and 2001:db8::/32.

  Scenario: 5,000 host routes arrive exactly, then 800 of them change at once
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: scale
        namespace: metallb-system
      spec:
        addresses:
          - 198.18.0.0/20
          - 2001:db8:5ca1::/116
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: scale
        namespace: metallb-system
      spec:
        ipAddressPools: [scale]
      """
    And nodes "NodeA" and the router "tor" on one segment
    And every node peers with "tor" over iBGP in one session with dualStackAddressFamily
    And 2500 dual-stack Services requesting consecutive addresses from "198.18.0.1" and "2001:db8:5ca1::1" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly the host routes of those Services, from "NodeA"
    And "tor" has received at least 14 UPDATE messages from "NodeA"
    When in one change the first 400 of those Services are deleted and 400 new ones are created
    Then "tor" has exactly the host routes of those Services, from "NodeA"
